// The GOV.UK page template's first script, as a file so that the pages' CSP needs no inline
// script: load it synchronously as the first element of <body>.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
