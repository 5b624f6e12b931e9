"""One module per source type; the module's name is the `type` a `[[sources]]` entry writes."""
