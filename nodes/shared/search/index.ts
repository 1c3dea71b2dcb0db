/**
 * Searching Assemblyline: paging (paging.ts), what to ask for and over which time range
 * (projection.ts), and reading what is new since a cursor (cursor.ts).
 */
export * from './paging';
export * from './projection';
export * from './cursor';
