"""The QtWidgets face of the studio."""
