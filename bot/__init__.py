"""AskScience answering and serving: the answer engine, the curator side, the web layer and the command line."""
