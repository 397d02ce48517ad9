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
  {
    version: 2,
    name: 'datasets, calibration sets, variants, runs',
    up: `
      create table datasets (
        id integer primary key,
        path text not null,                 -- the file opened: instances JSON or data.yaml
        format text not null,               -- 'coco' | 'yolo'
        split text,                         -- YOLO split read ('val' …)
        images_dir text,
        fingerprint text not null unique,   -- core/datasets/dataset-fingerprint
        class_names_json text not null,     -- [{id, name}] in category-id order
        image_count integer not null,
        box_count integer not null,
        opened_at text not null
      );

      create table calibration_sets (
        id integer primary key,
        dataset_id integer references datasets(id) on delete set null,
        rule text not null,                 -- how images were chosen ('random', 'first', 'stratified' …)
        size integer not null,
        seed integer,
        image_list_json text not null,      -- image file names, in order
        sha256 text not null unique,        -- of the image list
        created_at text not null
      );

      create table variants (
        id integer primary key,
        parent_model_id integer references models(id) on delete set null,
        stage text not null,
        recipe_json text not null,
        path text not null,
        sha256 text not null unique,
        created_at text not null
      );

      create table runs (
        id integer primary key,
        uid text not null unique,           -- random UUID given at creation; bundles carry it, imports merge on it
        status text not null check (status in ('queued','running','completed','failed','cancelled','interrupted')),
        stage text not null,
        backend text not null,
        label text not null default '',
        model_id integer references models(id) on delete set null,
        variant_id integer references variants(id) on delete set null,
        dataset_id integer references datasets(id) on delete set null,
        model_sha256 text,                  -- kept even if the model row is removed (bundles, merge)
        dataset_fingerprint text,
        protocol_json text not null,
        protocol_hash text not null,
        recipe_json text not null default '{}',
        optimization_level integer,
        calibration_set_id integer references calibration_sets(id) on delete set null,
        calibration_method text,
        clipping text,
        weight_granularity text,
        precision_modes_json text,
        excluded_nodes_json text,
        created_at text not null,
        started_at text,
        finished_at text,
        heartbeat_at text,                  -- refreshed while running; recovery looks at it
        owner text,                         -- 'host:pid' of the process running it
        error text,
        host_json text not null default '{}',
        versions_json text not null default '{}',
        timings_json text not null default '{}',
        map50_95 real,
        map50 real,
        precision real,
        recall real,
        image_count integer,
        error_count integer not null default 0,
        notes text not null default ''
      );
      create index runs_created on runs (created_at desc);
      create index runs_stage on runs (stage, created_at desc);
      create index runs_model on runs (model_id, created_at desc);
      create index runs_dataset on runs (dataset_id);
      create index runs_status on runs (status);
      create index runs_map on runs (map50_95);
      create index runs_protocol on runs (protocol_hash);

      create table run_metrics (
        run_id integer primary key references runs(id) on delete cascade,
        metrics_json text not null          -- RunMetrics
      );

      create table run_class_metrics (
        run_id integer not null references runs(id) on delete cascade,
        category_id integer not null,
        name text not null,
        ap real not null,
        ap50 real not null,
        ap75 real not null,
        n_gt integer not null,
        n_dt integer not null,
        primary key (run_id, category_id)
      ) without rowid;

      -- Large per-run payloads, gzip-compressed JSON: predictions (COCO results), image outcomes, PR curves.
      create table run_artifacts (
        run_id integer not null references runs(id) on delete cascade,
        kind text not null check (kind in ('predictions','image_outcomes','curves')),
        sha256 text not null,               -- of the uncompressed JSON
        item_count integer not null,
        raw_bytes integer not null,
        data blob not null,
        primary key (run_id, kind)
      ) without rowid;

      create table run_tags (
        run_id integer not null references runs(id) on delete cascade,
        tag text not null,
        primary key (run_id, tag)
      ) without rowid;
      create index run_tags_tag on run_tags (tag);
    `,
  },
]
