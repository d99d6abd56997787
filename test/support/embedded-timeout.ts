// PGlite is one WebAssembly session: the same suites take longer there than on a PostgreSQL server.
jest.setTimeout(90_000);
