-- The public service catalogue: agencies, sectors, life events and services.
-- pg_trgm and fuzzystrmatch give typo-tolerant matching of query words (see search_words below
-- and store.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
CREATE SCHEMA catalog;

CREATE TABLE catalog.agencies (
  id             text PRIMARY KEY CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  kind           text NOT NULL CHECK (kind IN ('ministry', 'agency', 'local', 'other')),
  abbr_mn        text NOT NULL,
  abbr_en        text NOT NULL,
  name_mn        text NOT NULL,
  name_en        text NOT NULL,
  parent_id      text REFERENCES catalog.agencies (id),
  description_mn text NOT NULL DEFAULT '',
  description_en text NOT NULL DEFAULT '',
  website        text,
  phone          text,
  email          text,
  address_mn     text,
  address_en     text,
  -- Sort keys put names in the order of each language's alphabet (Ө after О, Ү after У).
  sort_mn        text NOT NULL,
  sort_en        text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalog.sectors (
  id             text PRIMARY KEY CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  position       integer NOT NULL,
  name_mn        text NOT NULL,
  name_en        text NOT NULL,
  description_mn text NOT NULL DEFAULT '',
  description_en text NOT NULL DEFAULT ''
);

CREATE TABLE catalog.life_events (
  id       text PRIMARY KEY CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  position integer NOT NULL,
  name_mn  text NOT NULL,
  name_en  text NOT NULL
);

CREATE TABLE catalog.services (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug             text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
  name_mn          text NOT NULL,
  name_en          text NOT NULL,
  summary_mn       text NOT NULL,
  summary_en       text NOT NULL,
  description_mn   text NOT NULL,
  description_en   text NOT NULL,
  agency_id        text NOT NULL REFERENCES catalog.agencies (id),
  sector_id        text NOT NULL REFERENCES catalog.sectors (id),
  life_events      text[] NOT NULL DEFAULT '{}',
  audiences        text[] NOT NULL CHECK (cardinality(audiences) > 0 AND audiences <@ ARRAY['citizen', 'business', 'foreigner']),
  kind             text NOT NULL CHECK (kind IN ('reference', 'application')),
  fee_mnt          integer NOT NULL CHECK (fee_mnt >= 0),
  processing_value integer NOT NULL CHECK (processing_value >= 0),
  processing_unit  text NOT NULL CHECK (processing_unit IN ('instant', 'minutes', 'hours', 'days', 'working_days')),
  channels         text[] NOT NULL CHECK (cardinality(channels) > 0 AND channels <@ ARRAY['portal', 'app', 'operator', 'kiosk']),
  requirements_mn  text[] NOT NULL DEFAULT '{}',
  requirements_en  text[] NOT NULL DEFAULT '{}',
  legal_basis_mn   text,
  legal_basis_en   text,
  status           text NOT NULL CHECK (status IN ('active', 'planned', 'retired')),
  exchange_service text,
  keywords_mn      text[] NOT NULL DEFAULT '{}',
  keywords_en      text[] NOT NULL DEFAULT '{}',
  -- Made by the scale-test generator, not a real service.
  synthetic        boolean NOT NULL DEFAULT false,
  -- Bumped on every change; an edit names the version it started from (optimistic locking).
  version          integer NOT NULL DEFAULT 1,
  -- Page views over the last 30 days, refreshed from catalog.service_usage.
  views_30d        integer NOT NULL DEFAULT 0,
  sort_mn          text NOT NULL,
  sort_en          text NOT NULL,
  -- Folded search keys (kernel/text.ts): names and synonyms, then the rest.
  name_key         text NOT NULL,
  body_key         text NOT NULL,
  search_tsv       tsvector GENERATED ALWAYS AS (
                     setweight(to_tsvector('simple', name_key), 'A') || setweight(to_tsvector('simple', body_key), 'B')
                   ) STORED,
  -- Names and synonyms alone, for ranking: a match in the name counts more than one in the text,
  -- and testing a short vector is much cheaper than ts_rank over the whole one.
  name_tsv         tsvector GENERATED ALWAYS AS (to_tsvector('simple', name_key)) STORED,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX services_search ON catalog.services USING gin (search_tsv);
CREATE INDEX services_sector ON catalog.services (sector_id, views_30d DESC);
CREATE INDEX services_agency ON catalog.services (agency_id, views_30d DESC);
CREATE INDEX services_life_events ON catalog.services USING gin (life_events);
-- Lists in the orders people see them; status is filtered on the way, as nearly every row is live.
-- Names sort in byte order of their sort keys (see kernel/text.ts sortKey), hence COLLATE "C".
CREATE INDEX services_popular ON catalog.services (views_30d DESC, sort_mn COLLATE "C", id);
CREATE INDEX services_sort_mn ON catalog.services (sort_mn COLLATE "C", id);
CREATE INDEX services_sort_en ON catalog.services (sort_en COLLATE "C", id);

-- Every change to a service, as it was after the change. Append-only.
CREATE TABLE catalog.service_revisions (
  id         bigserial PRIMARY KEY,
  service_id uuid NOT NULL REFERENCES catalog.services (id),
  version    integer NOT NULL,
  action     text NOT NULL CHECK (action IN ('create', 'edit', 'retire', 'reinstate', 'import')),
  reason     text,
  actor_id   text,
  actor_name text,
  at         timestamptz NOT NULL DEFAULT now(),
  snapshot   jsonb NOT NULL,
  UNIQUE (service_id, version)
);
CREATE TRIGGER service_revisions_append_only BEFORE UPDATE OR DELETE ON catalog.service_revisions
  FOR EACH ROW EXECUTE FUNCTION kernel.refuse_change();

-- Page views per service per day, for "most used". Counted in memory and flushed in batches.
CREATE TABLE catalog.service_usage (
  service_id uuid    NOT NULL REFERENCES catalog.services (id),
  day        date    NOT NULL,
  views      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (service_id, day)
);

-- The vocabulary of the catalogue's search keys. A query word that is not a word of the catalogue
-- is compared by trigram similarity with this small table instead of with every service, and its
-- nearest real words join the full-text query: the approach pg_trgm's documentation recommends for
-- spelling suggestions. Candidates are narrowed by first letter through a btree in byte order;
-- measured on 10,000 services, a trigram GIN index here was slower than that (and the planner
-- chose it even for plain equality), so there is none. Closeness is Levenshtein distance, with
-- trigram similarity breaking ties.
CREATE TABLE catalog.search_words (
  word text PRIMARY KEY
);
CREATE INDEX search_words_prefix ON catalog.search_words (word COLLATE "C");

-- How many live (not retired) services each agency, sector and life event has, refreshed in the
-- same transaction as every change to services, so listings read a few dozen rows instead of
-- counting thousands on each request, and every process sees the same numbers.
CREATE TABLE catalog.service_counts (
  kind text    NOT NULL CHECK (kind IN ('all', 'agency', 'sector', 'event')),
  id   text    NOT NULL,
  n    integer NOT NULL,
  PRIMARY KEY (kind, id)
);
