"""The offline demo: sample boards served by a local HTTP server that speaks the platforms' APIs."""
