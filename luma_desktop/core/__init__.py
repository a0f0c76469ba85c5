"""The job engine: request building, image preparation, the store, the poll policy. No Qt."""
