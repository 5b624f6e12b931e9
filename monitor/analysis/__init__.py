"""What analysts use beyond alerts: aggregations over the MentionStore protocol (so they work on
SQLite and Elasticsearch alike), an incident's or story's mentions, exports for reports, model
quality and rule backtests for the notebooks, and the browser view of the embedded store.

Heavy or optional libraries (Datasette, openpyxl) are imported by the module that needs them,
when it is used.
"""
