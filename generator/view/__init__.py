"""What the record shows as of a date: derived states, figures and the event stream."""
