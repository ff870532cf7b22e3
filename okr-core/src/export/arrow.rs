//! Arrow IPC and Parquet writers for the analysis tables (feature `arrow`), so that
//! org-of-orgs analyses run in DuckDB, Polars or Spark.
//!
//! Column types: strings → `Utf8`, numbers → `Float64`, counts → `UInt64`, booleans →
//! `Boolean`, dates → `Date32`, lists → `List<Utf8>`; nullable columns are nullable.

use crate::analysis::{ColumnRef, Table};
use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::Array as _;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, RecordBatch, StringArray, UInt64Array,
};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use chrono::NaiveDate;
use std::io::Write;
use std::sync::Arc;

/// Writing a table in an Arrow format failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArrowWriteError {
    /// Building or writing the Arrow data failed.
    #[error("cannot write the table as arrow: {0}")]
    Arrow(#[from] ArrowError),
    /// Writing the Parquet file failed.
    #[error("cannot write the table as parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
}

fn days_since_epoch(d: &NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i32::try_from((*d - epoch).num_days()).unwrap_or(i32::MAX)
}

fn array(col: &ColumnRef<'_>) -> (DataType, bool, ArrayRef) {
    match col {
        ColumnRef::Str(v) => (
            DataType::Utf8,
            false,
            Arc::new(StringArray::from_iter_values(v.iter())),
        ),
        ColumnRef::OptStr(v) => (
            DataType::Utf8,
            true,
            Arc::new(v.iter().map(|x| x.as_deref()).collect::<StringArray>()),
        ),
        ColumnRef::F64(v) => (
            DataType::Float64,
            false,
            Arc::new(Float64Array::from(v.to_vec())),
        ),
        ColumnRef::OptF64(v) => (
            DataType::Float64,
            true,
            Arc::new(Float64Array::from(v.to_vec())),
        ),
        ColumnRef::U64(v) => (
            DataType::UInt64,
            false,
            Arc::new(UInt64Array::from(v.to_vec())),
        ),
        ColumnRef::OptU64(v) => (
            DataType::UInt64,
            true,
            Arc::new(UInt64Array::from(v.to_vec())),
        ),
        ColumnRef::Bool(v) => (
            DataType::Boolean,
            false,
            Arc::new(BooleanArray::from(v.to_vec())),
        ),
        ColumnRef::Date(v) => (
            DataType::Date32,
            false,
            Arc::new(Date32Array::from(
                v.iter().map(days_since_epoch).collect::<Vec<_>>(),
            )),
        ),
        ColumnRef::List(v) => {
            let mut b = ListBuilder::new(StringBuilder::new());
            for items in v.iter() {
                for s in items {
                    b.values().append_value(s);
                }
                b.append(true);
            }
            let arr = b.finish();
            (arr.data_type().clone(), false, Arc::new(arr))
        }
    }
}

/// The table as an Arrow record batch.
pub fn to_record_batch(table: &dyn Table) -> Result<RecordBatch, ArrowWriteError> {
    let mut fields = Vec::new();
    let mut arrays = Vec::new();
    for (name, col) in table.columns() {
        let (ty, nullable, arr) = array(&col);
        fields.push(Field::new(name, ty, nullable));
        arrays.push(arr);
    }
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
}

/// Writes the table as an Arrow IPC file.
pub fn write_ipc(table: &dyn Table, out: impl Write) -> Result<(), ArrowWriteError> {
    let batch = to_record_batch(table)?;
    let mut w = arrow_ipc::writer::FileWriter::try_new(out, &batch.schema())?;
    w.write(&batch)?;
    w.finish()?;
    Ok(())
}

/// Writes the table as a Parquet file (uncompressed).
pub fn write_parquet(table: &dyn Table, out: impl Write + Send) -> Result<(), ArrowWriteError> {
    let batch = to_record_batch(table)?;
    let mut w = parquet::arrow::ArrowWriter::try_new(out, batch.schema(), None)?;
    w.write(&batch)?;
    w.close()?;
    Ok(())
}
