"""One module per store type; the module's name is the `type` of the `[store]` table."""
