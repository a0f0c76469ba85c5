"""QtCore models over the engine: signals in, plain method calls out. No widgets here."""
