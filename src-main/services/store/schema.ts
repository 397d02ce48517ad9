/**
 * The application's schema, as an append-only list of migrations. Never edit a migration that has
 * shipped: add a new one.
 */
import type { Migration } from './migrations'

export const schemaMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'models',
    up: `
      create table models (
        id integer primary key,
        path text not null unique,          -- absolute path on the machine running main
        file_name text not null,
        sha256 text not null,               -- hex, of the model file itself (not external data)
        size_bytes integer not null,
        format text not null,               -- 'onnx' now; 'hef', 'har', 'hn' later
        summary_json text not null,         -- ModelSummary as JSON
        first_opened_at text not null,      -- ISO 8601 UTC
        opened_at text not null
      );
      create index models_opened_at on models (opened_at desc);
      create index models_sha256 on models (sha256);
    `,
  },
]
