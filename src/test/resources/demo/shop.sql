-- The demo's source database: the kinds of tables a real migration meets.
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');

CREATE TABLE orders (
    id         bigserial PRIMARY KEY,
    customer   text NOT NULL,
    status     order_status NOT NULL DEFAULT 'new',
    total      numeric(12,2) NOT NULL,
    placed_at  timestamptz NOT NULL DEFAULT now(),
    note       text
);
INSERT INTO orders (customer, status, total, placed_at, note)
SELECT 'customer ' || (g % 5000),
       (ARRAY['new', 'paid', 'shipped', 'cancelled']::order_status[])[1 + g % 4],
       (g % 100000) / 100.0,
       timestamptz '2026-01-01 00:00:00+00' + (g || ' seconds')::interval,
       CASE WHEN g % 7 = 0 THEN NULL ELSE 'note ' || g END
FROM generate_series(1, 1000000) g;
CREATE INDEX orders_customer_idx ON orders (customer);
CREATE INDEX orders_open_idx ON orders (placed_at) WHERE status IN ('new', 'paid');

CREATE SCHEMA "Sales";
CREATE TABLE "Sales"."Order Items" (
    "Order Id"   bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    "Line"       int NOT NULL,
    "SKU"        text NOT NULL,
    "Unit Price" numeric(10,2) NOT NULL,
    qty          int NOT NULL CHECK (qty > 0),
    PRIMARY KEY ("Order Id", "Line")
);
INSERT INTO "Sales"."Order Items"
SELECT o, l, 'SKU-' || (o * 7 + l) % 1000, ((o + l) % 500) / 10.0 + 1, l
FROM generate_series(1, 50000) o, generate_series(1, 3) l;
CREATE INDEX "Order Items by SKU" ON "Sales"."Order Items" (lower("SKU"));

CREATE TABLE documents (
    id          int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title       text NOT NULL,
    body        jsonb,
    tags        text[],
    attachment  bytea,
    scores      int[],
    updated_at  timestamptz DEFAULT now(),
    title_lower text GENERATED ALWAYS AS (lower(title)) STORED
);
INSERT INTO documents (title, body, tags, attachment, scores)
SELECT 'Doc ' || g,
       jsonb_build_object('n', g, 'words', repeat('lorem ', g % 50), 'nested', jsonb_build_object('even', g % 2 = 0)),
       ARRAY['tag' || g % 10, 'x'],
       decode(md5(g::text), 'hex'),
       ARRAY[g, g * 2, NULL]
FROM generate_series(1, 20000) g;
-- some large values that do not compress, stored out of line (TOAST)
UPDATE documents SET attachment = (SELECT string_agg(decode(md5(i::text || id::text), 'hex'), ''::bytea)
                                   FROM generate_series(1, 20000) i)
WHERE id % 1000 = 0;
CREATE INDEX documents_body_idx ON documents USING gin (body);
ANALYZE;
