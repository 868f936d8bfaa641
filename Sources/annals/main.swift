// The `annals` executable: everything lives in AnnalsCLI so tests can reach it too.
import AnnalsCLI

Annals.runAndExit()
