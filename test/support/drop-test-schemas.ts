import { dropTestSchemas } from './db.ts';

// Removes the PostgreSQL schemas the tests created (see createTestDatabase).
const dropped = await dropTestSchemas();
if (dropped > 0) process.stderr.write(`dropped ${dropped} test schemas\n`);
