"""The shapes of identifiers, shared by the document schema and the HTTP parameters.

A slug names a service, controller, activity or shipped vocabulary term; a term slug may also
name a council's own term, namespaced by its controller (``camden:family-hub``).
"""

SLUG_PATTERN = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
TERM_PATTERN = r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*:)?[a-z0-9]+(?:[-.][a-z0-9]+)*$"
