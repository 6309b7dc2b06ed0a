"""Reports over the API's figures: the STH half-year report as JSON, CSV, XLSX and PDF."""
