// exec/execute_rows.h — copying selected rows between vectors, shared by
// AND/OR, CASE and coalesce.
#ifndef DOCKET_EXEC_EXECUTE_ROWS_H_
#define DOCKET_EXEC_EXECUTE_ROWS_H_

#include "exec/vector.h"
#include "plan/expr.h"

namespace docket::exec {

// Copies rows `rows` of `src` into `out` (values and validity).
void CopyRows(const BatchValues& src, plan::ExprType type, const RowSet& rows, Block* out);

// Fills `sel` with the rows of a dense (mask) RowSet and points b->sel at it.
void FillSelection(RowSet* b, uint16_t* sel);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_EXECUTE_ROWS_H_
