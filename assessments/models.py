# Scoring, results and reports arrive with the assessments issue; the app exists from the
# start so that its migrations begin cleanly.
