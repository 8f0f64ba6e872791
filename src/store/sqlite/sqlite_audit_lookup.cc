// Keeping the audit trail's lookups (audit_lookup, schema version 11) up to date, in bulk.
//
// Why in bulk: one commit of the ingest pipeline appends some forty result entries of three or
// four patients and as many tests. Indexes on audit_log kept in that commit wrote a page per
// test and per patient for every one of them: about a third of the writer's time per result.
// Indexed a few hundred entries at a time, the keys of one test or one patient land together, and
// each page is written once for many entries.

#include <sqlite3.h>

#include <array>
#include <string>
#include <string_view>

#include "store/sqlite/sqlite_transaction.h"
#include "store/sqlite/statement.h"

namespace aliquot::store::sqlite {

Result<std::int64_t> SqliteTransaction::unindexed_audit_entries() {
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT COALESCE((SELECT MAX(sequence) FROM audit_log), 0) - s.indexed_through"
              " FROM audit_lookup_state s WHERE s.id = 1"));
  const std::string doing = "counting the audit entries not yet indexed";
  ALIQUOT_ASSIGN_OR_RETURN(const bool has_row, statement.step(doing));
  if (!has_row) return data_loss(doing + ": the table audit_lookup_state has no row");
  return sqlite3_column_int64(statement.handle(), 0);
}

Result<std::int64_t> SqliteTransaction::index_audit_trail(std::int64_t max_entries) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("index_audit_trail"));
  if (max_entries <= 0) return 0;
  const std::string doing = "indexing the audit trail";
  std::int64_t indexed_through = 0;
  std::int64_t through = 0;  // the last entry this call indexes
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("SELECT s.indexed_through, (SELECT MAX(sequence) FROM (SELECT a.sequence"
                " FROM audit_log a WHERE a.sequence > s.indexed_through"
                " ORDER BY a.sequence LIMIT ?)) FROM audit_lookup_state s WHERE s.id = 1"));
    statement.bind_int64(max_entries);
    ALIQUOT_ASSIGN_OR_RETURN(const bool has_row, statement.step(doing));
    if (!has_row) return data_loss(doing + ": the table audit_lookup_state has no row");
    RowReader row(statement);
    indexed_through = row.int64();
    if (row.next_is_null()) return 0;  // nothing after indexed_through
    through = row.int64();
  }

  // Each kind of key in one statement, in key order, so that consecutive inserts go to the same
  // page; SQLite does the work without a row coming back here. The texts are those of the
  // version 11 migration, which indexed the trail as it was.
  constexpr std::array<std::string_view, 4> kInserts = {
      "INSERT INTO audit_lookup (kind, key, sequence) SELECT 'p', patient_mrn, sequence"
      " FROM audit_log WHERE sequence > ? AND sequence <= ? AND patient_mrn <> '' ORDER BY 2, 3",
      "INSERT INTO audit_lookup (kind, key, sequence) SELECT 'a', accession_number, sequence"
      " FROM audit_log WHERE sequence > ? AND sequence <= ? AND accession_number <> ''"
      " ORDER BY 2, 3",
      "INSERT INTO audit_lookup (kind, key, sequence) SELECT 't', test_code, sequence"
      " FROM audit_log WHERE sequence > ? AND sequence <= ? AND test_code <> '' ORDER BY 2, 3",
      "INSERT INTO audit_lookup (kind, key, sequence)"
      " SELECT 'e', entity_type || char(31) || entity_key, sequence"
      " FROM audit_log WHERE sequence > ? AND sequence <= ? ORDER BY 2, 3",
  };
  std::int64_t entries = 0;
  for (const std::string_view insert : kInserts) {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare(insert));
    statement.bind_int64(indexed_through).bind_int64(through);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
    entries = sqlite3_changes(connection_.handle());  // the last, entities: one per entry
  }
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("UPDATE audit_lookup_state SET indexed_through = ? WHERE id = 1"));
    statement.bind_int64(through);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
  }
  return entries;
}

}  // namespace aliquot::store::sqlite
