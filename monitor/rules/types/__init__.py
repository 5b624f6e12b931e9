"""One module per rule type; the module's name is the `type` a rule file writes."""
