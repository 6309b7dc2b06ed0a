"""The dashboard: a static page (HTML, JS, CSS) and the route that serves it."""
