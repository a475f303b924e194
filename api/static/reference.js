// Starts Swagger UI on the reference page with the document named by the page (no inline script: CSP).
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") { return; }
  SwaggerUIBundle({ url: root.dataset.spec, dom_id: "#swagger-ui", deepLinking: true,
                    presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout" });
}());
