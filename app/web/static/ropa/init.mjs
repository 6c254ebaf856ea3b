// Start GOV.UK Frontend's components (skip link, header, service navigation, …).
// The path names the vendored version: tests/web/test_static.py checks it against
// app/web/static/vendored.json after scripts/vendor-web-assets.sh.
import { initAll } from "../../govuk-frontend/5.14.0/govuk-frontend.min.js";

initAll();
