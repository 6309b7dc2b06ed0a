"""Development tools that look at the whole repository (every service); never shipped."""
