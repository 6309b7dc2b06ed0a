"""The signals service's HTTP routes and who may call them."""
