.PHONY: run test
# Serve the dashboard at http://127.0.0.1:8080 with the Hà Nội demo.
run:
	scripts/run.sh
# The whole test suite: format, lints, unit, integration and browser tests.
test:
	scripts/test.sh
