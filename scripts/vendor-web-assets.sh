#!/usr/bin/env bash
# Vendor the web front-end assets from the npm registry, so that the app serves them itself
# (no CDN, no node at run time). Re-run after changing a pinned version below, review the
# diff and commit it. Needs node, npm, openssl, tar and python3; nothing is installed globally.
#
#   scripts/vendor-web-assets.sh          # fetch, verify, rebuild app/web/static/* and the axe copy
#
# Every tarball is checked against the sha512 `dist.integrity` pinned here (and against what
# the registry says today, which must agree). The Sass compiler comes from the lock file in
# scripts/web-assets/ (`npm ci` verifies each of its tarballs the same way).
#
# GOV.UK Frontend is vendored for a council, which is not GOV.UK:
#   - the CSS is compiled from the package's own Sass (dist/govuk/index.scss) with Arial as the
#     font and no @font-face: the GDS Transport font is licensed for exclusive use on gov.uk,
#     so the font files are not copied and never referenced;
#   - the GOV.UK brand images (crown favicons, crest, icons, manifest, Open Graph image) are
#     not copied either: a council page must not carry the crown;
#   - the JavaScript module (govuk-frontend.min.js) is copied as published.
set -euo pipefail
cd "$(dirname "$0")/.."

GOVUK_FRONTEND_VERSION=5.14.0
GOVUK_FRONTEND_INTEGRITY=sha512-MgfaXswIM6KpXS2T5gltEnzgVLgfM3UoE9+rYkhBiR0suaJ8Let31VZXQZqz9QhiPDbv28fW1nRjIyLujfZIBA==
SWAGGER_UI_VERSION=5.35.0
SWAGGER_UI_INTEGRITY=sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==
# ReDoc 2.x: FastAPI's get_redoc_html targets it; 3.x has no standalone bundle.
REDOC_VERSION=2.5.4
REDOC_INTEGRITY=sha512-M6jWhG1qoBnH6TFmzJnstyCZ87HmOY/UzDm78mHiYihEdlV/YcS9ogOo1NlElnJMeLsyxHFe2yFc4sNjHTrABQ==
AXE_CORE_VERSION=4.14.1
AXE_CORE_INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==

STATIC=app/web/static
AXE_DIR=tests/browser/vendor/axe-core

die() { echo "vendor-web-assets: $*" >&2; exit 1; }
for tool in node npm openssl tar python3; do
  command -v "$tool" >/dev/null || die "needs $tool"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fetch NAME VERSION INTEGRITY: the verified tarball of NAME@VERSION, unpacked in $work/NAME
fetch() {
  local name=$1 version=$2 integrity=$3 registry actual tarball
  registry=$(npm view "$name@$version" dist.integrity)
  [ "$registry" = "$integrity" ] ||
    die "$name@$version: the registry says $registry, pinned $integrity"
  (cd "$work" && npm pack --silent --ignore-scripts "$name@$version" >/dev/null)
  tarball="$work/$name-$version.tgz"
  [ -f "$tarball" ] || die "$name@$version: npm pack gave no $tarball"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | openssl base64 -A)"
  [ "$actual" = "$integrity" ] || die "$name@$version: tarball is $actual, pinned $integrity"
  mkdir -p "$work/$name"
  tar -xzf "$tarball" -C "$work/$name" --strip-components=1
  echo "verified $name@$version ($integrity)"
}

fetch govuk-frontend "$GOVUK_FRONTEND_VERSION" "$GOVUK_FRONTEND_INTEGRITY"
fetch swagger-ui-dist "$SWAGGER_UI_VERSION" "$SWAGGER_UI_INTEGRITY"
fetch redoc "$REDOC_VERSION" "$REDOC_INTEGRITY"
fetch axe-core "$AXE_CORE_VERSION" "$AXE_CORE_INTEGRITY"

# The Sass compiler, from the committed lock file (npm ci checks every integrity in it).
mkdir "$work/tools"
cp scripts/web-assets/package.json scripts/web-assets/package-lock.json "$work/tools/"
(cd "$work/tools" && npm ci --silent --ignore-scripts --omit=optional --no-audit --no-fund)
SASS="$work/tools/node_modules/.bin/sass"

# --- GOV.UK Frontend -------------------------------------------------------------------------
src="$work/govuk-frontend"
grep -q '"license": "MIT"' "$src/package.json" || die "govuk-frontend: the licence is no longer MIT"
dest="$STATIC/govuk-frontend/$GOVUK_FRONTEND_VERSION"
rm -rf "$STATIC/govuk-frontend"
mkdir -p "$dest"

cat >"$work/council.scss" <<'SCSS'
// GOV.UK Frontend for a council page: Arial, no GDS Transport @font-face; asset URLs are
// relative to the stylesheet (only the unused footer crest refers to one, and it is not copied).
$govuk-font-family: arial, sans-serif;
$govuk-include-default-font-face: false;
$govuk-assets-path: "assets/";
@import "govuk/index";
SCSS
{
  printf '@charset "UTF-8";'  # first, as CSS requires; sass's own would come after the comment
  printf '/*! GOV.UK Frontend %s (MIT), compiled from dist/govuk/index.scss by scripts/vendor-web-assets.sh with Arial as its only font (no web font) */\n' \
    "$GOVUK_FRONTEND_VERSION"
  "$SASS" --no-source-map --no-charset --style=compressed --quiet-deps \
    --silence-deprecation=import --silence-deprecation=global-builtin \
    --load-path="$src/dist" "$work/council.scss"
} >"$dest/govuk-frontend.min.css"
if grep -q 'GDS Transport\|@font-face' "$dest/govuk-frontend.min.css"; then
  die "the compiled CSS still refers to GDS Transport"
fi
cp "$src/dist/govuk/govuk-frontend.min.js" "$dest/govuk-frontend.min.js"
# The npm package has no licence file; its package.json says MIT and its README names the holder.
cat >"$dest/LICENSE.txt" <<'EOF'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.

From the package's README:
EOF
sed -n '/^## Licence/,/^## /p' "$src/README.md" | sed '$d' >>"$dest/LICENSE.txt"

# --- Swagger UI --------------------------------------------------------------------------------
src="$work/swagger-ui-dist"
dest="$STATIC/swagger-ui/$SWAGGER_UI_VERSION"
rm -rf "$STATIC/swagger-ui"
mkdir -p "$dest"
for f in swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css LICENSE NOTICE; do
  cp "$src/$f" "$dest/$f"
done

# --- ReDoc -------------------------------------------------------------------------------------
src="$work/redoc"
dest="$STATIC/redoc/$REDOC_VERSION"
rm -rf "$STATIC/redoc"
mkdir -p "$dest"
for f in bundles/redoc.standalone.js bundles/redoc.standalone.js.LICENSE.txt LICENSE; do
  cp "$src/$f" "$dest/$(basename "$f")"
done
# The one thing the bundle fetches from elsewhere: the Redocly logo beside "API docs by Redocly"
# in the side menu, from cdn.redoc.ly, with no option to turn it off. An empty data: URL instead
# (the image fails to decode and ReDoc drops it), so the page asks nothing of another host.
grep -q '"https://cdn.redoc.ly/redoc/logo-mini.svg"' "$dest/redoc.standalone.js" ||
  die "redoc: the logo URL to replace is not in the bundle any more; check what it loads"
sed -i 's#"https://cdn.redoc.ly/redoc/logo-mini.svg"#"data:,"#' "$dest/redoc.standalone.js"
if grep -q 'cdn\.redoc\.ly' "$dest/redoc.standalone.js"; then die "redoc: still refers to cdn.redoc.ly"; fi

# --- axe-core (browser tests only; not shipped) ------------------------------------------------
src="$work/axe-core"
rm -rf "$AXE_DIR"
mkdir -p "$AXE_DIR"
for f in axe.min.js LICENSE LICENSE-3RD-PARTY.txt; do
  cp "$src/$f" "$AXE_DIR/$f"
done

# --- What was vendored, from where, with each file's sha256 ------------------------------------
python3 - "$STATIC" "$AXE_DIR" <<PY
import hashlib, json, sys
from pathlib import Path

static, axe = Path(sys.argv[1]), Path(sys.argv[2])
packages = {
    "govuk-frontend": ("$GOVUK_FRONTEND_VERSION", "$GOVUK_FRONTEND_INTEGRITY", static / "govuk-frontend"),
    "swagger-ui-dist": ("$SWAGGER_UI_VERSION", "$SWAGGER_UI_INTEGRITY", static / "swagger-ui"),
    "redoc": ("$REDOC_VERSION", "$REDOC_INTEGRITY", static / "redoc"),
    "axe-core": ("$AXE_CORE_VERSION", "$AXE_CORE_INTEGRITY", axe),
}


def entry(name, version, integrity, root):
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "vendored.json")
    return {
        "version": version,
        "tarball": f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz",
        "integrity": integrity,
        "files": {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
        },
    }


shipped = {n: entry(n, *packages[n]) for n in ("govuk-frontend", "swagger-ui-dist", "redoc")}
shipped["redoc"]["patched"] = (
    "redoc.standalone.js: the Redocly logo URL (https://cdn.redoc.ly/redoc/logo-mini.svg) "
    "replaced by 'data:,' so that nothing is fetched from another host."
)
shipped["govuk-frontend"]["built"] = (
    "govuk-frontend.min.css compiled from dist/govuk/index.scss with sass (scripts/web-assets/"
    "package-lock.json): \$govuk-font-family: arial, sans-serif; "
    "\$govuk-include-default-font-face: false; \$govuk-assets-path: 'assets/'. "
    "Fonts and GOV.UK brand images are not vendored (GDS Transport and the crown are for "
    "GOV.UK only)."
)
(static / "vendored.json").write_text(json.dumps(shipped, indent=2) + "\n")
(axe / "vendored.json").write_text(json.dumps({"axe-core": entry("axe-core", *packages["axe-core"])}, indent=2) + "\n")
PY

echo "vendored: govuk-frontend $GOVUK_FRONTEND_VERSION, swagger-ui-dist $SWAGGER_UI_VERSION," \
  "redoc $REDOC_VERSION into $STATIC; axe-core $AXE_CORE_VERSION into $AXE_DIR"
