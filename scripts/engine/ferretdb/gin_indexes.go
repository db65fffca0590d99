package main

// FerretDB 1.24's PostgreSQL backend pushes an equality filter down to SQL as
// `_jsonb->'field' @> '<value>'` (internal/backends/postgresql/query.go), but builds each MongoDB
// index as a btree over `(_jsonb->'field')`. A btree cannot answer `@>`, so every filtered query is
// a sequential scan whose cost grows with the collection: measured 230 ms for a find by `_id` among
// 20,000 orders on a loaded 2-core machine.
//
// This mirror gives every such btree expression a GIN twin (`jsonb_path_ops`, which answers `@>`),
// so the same queries become index scans. It polls PostgreSQL's catalog, which is cheap, and creates
// what is missing; FerretDB's own indexes and metadata are left as they are. PostgreSQL runs with
// plan_cache_mode=force_custom_plan (the API starts it so), so the field name, which FerretDB passes
// as a parameter, is a constant when the plan is made and the index expression matches.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// `(_jsonb -> 'member'::text)` or `(_jsonb #> '{payment,paidAt}'::text[])` inside a btree index definition.
var btreeExpression = regexp.MustCompile(`\(_jsonb (->|#>) '([^']*)'::text(\[\])?\)`)

func mirrorIndexes(ctx context.Context, url string, logger *slog.Logger) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		logger.Warn("index mirror: cannot connect", "error", err)
		return
	}
	defer pool.Close()
	for {
		if err := mirrorOnce(ctx, pool); err != nil && ctx.Err() == nil {
			logger.Warn("index mirror", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func mirrorOnce(ctx context.Context, pool *pgxpool.Pool) error {
	done := map[string]bool{}
	existing, err := pool.Query(ctx, `SELECT indexname FROM pg_indexes WHERE indexname LIKE 'siyu_gin_%'`)
	if err != nil {
		return err
	}
	for existing.Next() {
		var name string
		if err := existing.Scan(&name); err != nil {
			existing.Close()
			return err
		}
		done[name] = true
	}
	existing.Close()
	rows, err := pool.Query(ctx, `SELECT schemaname, tablename, indexdef FROM pg_indexes
		WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
		AND indexdef LIKE '%USING btree%' AND indexdef LIKE '%_jsonb %'`)
	if err != nil {
		return err
	}
	type wanted struct{ schema, table, expression, name string }
	var missing []wanted
	for rows.Next() {
		var schema, table, def string
		if err := rows.Scan(&schema, &table, &def); err != nil {
			rows.Close()
			return err
		}
		for _, match := range btreeExpression.FindAllStringSubmatch(def, -1) {
			expression := match[0]
			sum := sha256.Sum256([]byte(schema + "." + table + ":" + expression))
			name := "siyu_gin_" + hex.EncodeToString(sum[:8])
			if !done[name] {
				missing = append(missing, wanted{schema, table, expression, name})
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, index := range missing {
		sql := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s.%s USING gin (%s jsonb_path_ops)`,
			quote(index.name), quote(index.schema), quote(index.table), index.expression)
		if _, err := pool.Exec(ctx, sql); err != nil && ctx.Err() == nil {
			// A table dropped meanwhile (a test database going away) is not an error worth stopping for.
			continue
		}
	}
	return nil
}

func quote(identifier string) string {
	return `"` + strings.ReplaceAll(identifier, `"`, `""`) + `"`
}
