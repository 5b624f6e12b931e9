"""The analysts' feedback loop: labels set by people (`labels.py`), the queue of mentions the
model is least sure of (`queue.py`), and refitting the model on this deployment's labels
(`train.py`)."""
