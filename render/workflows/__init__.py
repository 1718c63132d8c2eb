"""ComfyUI workflows in API format (`kontext_api.json`), and filling one in for a request."""
