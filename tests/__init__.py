"""The test suite: unit/, store/ and cli/ by layer, support/ for the helpers they share; here, tests of the repository as a whole."""
