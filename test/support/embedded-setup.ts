// The jest project "pglite": startTestApp() in these workers starts the api on a fresh embedded database.
process.env.TEST_DATABASE = 'pglite';
