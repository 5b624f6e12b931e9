"""One module per alerter type; the module's name is the `type` of an `[alerters.NAME]` table."""
