// The shop's application database, as a DBOS transactional data source named 'shop-db'.
// Runs in the fixture app's process; registered at import, connected by DBOS.launch() (initialize()).
import { PgDataSource } from '../datasource/PgDataSource';
import { appDatabaseUrl } from './counter';

export const shopDb = new PgDataSource('shop-db', appDatabaseUrl);
