/**
 * jest setupFiles of the `pgbouncer` project (jest.config.js): its suites run the product
 * through the transaction-mode PgBouncer in front of the test Postgres (database-route.ts).
 * jest gives every test file its own copy of process.env, so the direct project is untouched.
 */
import { DATABASE_ROUTE_VARIABLE } from './database-route';

process.env[DATABASE_ROUTE_VARIABLE] = 'pgbouncer';
