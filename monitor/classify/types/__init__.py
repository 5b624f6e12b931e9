"""One module per classifier type; the module's name is the `type` of the `[classifier]` table."""
