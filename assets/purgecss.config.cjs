// Keeps only the rules whose classes appear in the portal's templates, Python code (form widgets' classes) and
// scripts, including Bootstrap's own script, which adds classes such as `show` and `collapsing` as menus open.
module.exports = {
  content: [
    "../templates/**/*.html",
    "../*/templatetags/*.py",
    "../*/*.py",
    "../*/views/*.py",
    "../*/forms/*.py",
    "../*/services/*.py",
    "../teknokyla/core/*.py",
    "../teknokyla/core/templatetags/*.py",
    "../static/js/*.js",
    "../static/css/*.css",
    "../static/vendor/bootstrap-5.3.9/bootstrap.bundle.min.js",
  ],
  // Classes that templates build from a value (`alert-{{ message.tags }}`, status badges) stay whole.
  safelist: {
    standard: [/^alert-/, /^text-bg-/, /^btn-/, /^is-/, /^was-validated/],
  },
  variables: false,
  keyframes: true,
  fontFace: true,
};
