"""Every write of homework goes through these modules: the web pages, the API and the tests
share them.

- `assigning`: assign, edit a schedule or details, pause, resume, end, materialise occurrences,
  complete, mark reviewed, leave feedback.
- `submissions`: store an exercise's answers with their metrics (homework or in session).
- `plans`: save a client's homework as a plan, assign a plan, remove one.
- `drafts`: keep and discard what a person has typed so far.
"""
