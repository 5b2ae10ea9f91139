//! Static checks at upload, before any compilation: the Wasm feature set,
//! imports, memory, tables, sizes and exports. Each refusal names its rule.

use crate::abi::ContractAbi;
use crate::error::UploadError;
use crate::limits::Limits;
use procura_primitives::host_abi::{self, HOST_MODULE, MEMORY_EXPORT};
use wasmparser::{
    CompositeInnerType, ExternalKind, FuncType, FunctionBody, Operator, Parser, Payload, TypeRef, Validator,
    WasmFeatures,
};

/// The Wasm features a contract may use: what today's rustc emits by default
/// for wasm32 (mutable globals, sign extension, non-trapping float-to-int,
/// multi-value, bulk memory and the overlong `call_indirect` encoding of
/// reference types), plus floats, whose NaNs the engine canonicalises. All
/// are deterministic and either constant-cost or metered per byte by
/// wasmtime's fuel (bulk memory). Reference types themselves (externref,
/// several tables, table.grow) and everything else (SIMD, threads,
/// multi-memory, memory64, GC, exceptions, tail calls, ...) are refused.
pub fn allowed_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::CALL_INDIRECT_OVERLONG
        | WasmFeatures::FLOATS
}

/// What the validator learned about a module that later steps need.
#[derive(Debug, Clone, Default)]
pub struct ModuleInfo {
    /// Exported function names, in export order.
    pub methods: Vec<String>,
    pub abi: Option<ContractAbi>,
}

pub fn validate(code: &[u8], limits: &Limits) -> Result<ModuleInfo, UploadError> {
    if code.len() > limits.max_code_size {
        return Err(UploadError::TooLarge { size: code.len(), limit: limits.max_code_size });
    }
    let mut validator = Validator::new_with_features(allowed_features());
    validator.validate_all(code).map_err(classify_wasm_error)?;
    inspect(code, limits)
}

fn classify_wasm_error(e: wasmparser::BinaryReaderError) -> UploadError {
    let msg = e.message().to_string();
    // wasmparser words these as "... support is not enabled", "... proposal
    // not enabled" or "<feature> must be enabled for ...".
    let feature_gate = ["not enabled", "must be enabled", "feature"];
    if feature_gate.iter().any(|p| msg.contains(p)) {
        UploadError::ForbiddenFeature(msg)
    } else {
        UploadError::Malformed(format!("{msg} (at offset {})", e.offset()))
    }
}

/// Bounds what compiling one function can cost: its size and how deeply
/// its control structures nest (the validator has already checked that
/// the body is well formed, so `end`s balance).
fn check_body(body: &FunctionBody<'_>, function: u32, limits: &Limits) -> Result<(), UploadError> {
    let size = body.range().len();
    if size > limits.max_function_body_size {
        return Err(UploadError::FunctionTooLarge { function, size, limit: limits.max_function_body_size });
    }
    let malformed = |e: wasmparser::BinaryReaderError| UploadError::Malformed(e.message().to_string());
    let mut ops = body.get_operators_reader().map_err(malformed)?;
    let mut depth = 0u32;
    while !ops.eof() {
        match ops.read().map_err(malformed)? {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                depth += 1;
                if depth > limits.max_nesting_depth {
                    return Err(UploadError::NestingTooDeep { function, limit: limits.max_nesting_depth });
                }
            }
            Operator::End => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn inspect(code: &[u8], limits: &Limits) -> Result<ModuleInfo, UploadError> {
    let mut types: Vec<Option<FuncType>> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut memories = 0u32;
    let mut tables = 0u32;
    let mut globals = 0u32;
    let mut data_bytes = 0u64;
    let mut exports: Vec<(String, ExternalKind, u32)> = Vec::new();
    let mut abi_json: Option<Vec<u8>> = None;
    let mut body_index = 0u32;
    let mut compile_cost = 0u64;
    let mut imported_funcs = 0u32;
    let malformed = |e: wasmparser::BinaryReaderError| UploadError::Malformed(e.message().to_string());

    for payload in Parser::new(0).parse_all(code) {
        match payload.map_err(malformed)? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group.map_err(malformed)?.into_types() {
                        types.push(match sub.composite_type.inner {
                            CompositeInnerType::Func(f) => Some(f),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(malformed)?;
                    let allowed_name = host_abi::import::ALL.contains(&import.name);
                    match import.ty {
                        TypeRef::Func(ty) if import.module == HOST_MODULE && allowed_name => {
                            func_types.push(ty);
                            imported_funcs += 1;
                        }
                        _ => {
                            return Err(UploadError::ForbiddenImport {
                                module: import.module.to_string(),
                                name: import.name.to_string(),
                                allowed: HOST_MODULE,
                            })
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    func_types.push(ty.map_err(malformed)?);
                }
                let defined = func_types.len() as u32 - imported_funcs;
                if defined > limits.max_functions {
                    return Err(UploadError::TooManyFunctions { count: defined, limit: limits.max_functions });
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(malformed)?;
                    tables += 1;
                    let max = table.ty.maximum.unwrap_or(u64::MAX);
                    if max > limits.max_table_elements as u64 || table.ty.initial > limits.max_table_elements as u64 {
                        return Err(UploadError::TableTooLarge { elements: max, limit: limits.max_table_elements });
                    }
                }
                if tables > 1 {
                    return Err(UploadError::TooManyTables(tables));
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    let memory = memory.map_err(malformed)?;
                    memories += 1;
                    if memory.shared || memory.memory64 {
                        return Err(UploadError::MemoryKind);
                    }
                    let Some(max) = memory.maximum else {
                        return Err(UploadError::MemoryWithoutMaximum);
                    };
                    if max > limits.max_memory_pages as u64 {
                        return Err(UploadError::MemoryTooLarge { pages: max, limit: limits.max_memory_pages });
                    }
                }
            }
            Payload::GlobalSection(reader) => {
                globals += reader.count();
                if globals > limits.max_globals {
                    return Err(UploadError::TooManyGlobals { count: globals, limit: limits.max_globals });
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(malformed)?;
                    exports.push((export.name.to_string(), export.kind, export.index));
                }
                if exports.len() as u32 > limits.max_exports {
                    return Err(UploadError::TooManyExports { count: exports.len() as u32, limit: limits.max_exports });
                }
            }
            Payload::StartSection { .. } => return Err(UploadError::StartFunction),
            Payload::DataSection(reader) => {
                for data in reader {
                    data_bytes += data.map_err(malformed)?.data.len() as u64;
                }
                if data_bytes > limits.max_data_segment_bytes {
                    return Err(UploadError::DataTooLarge { bytes: data_bytes, limit: limits.max_data_segment_bytes });
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut locals = 0u64;
                for local in body.get_locals_reader().map_err(malformed)? {
                    locals += local.map_err(malformed)?.0 as u64;
                }
                if locals > limits.max_locals_per_function as u64 {
                    return Err(UploadError::TooManyLocals {
                        function: body_index,
                        count: locals,
                        limit: limits.max_locals_per_function,
                    });
                }
                check_body(&body, body_index, limits)?;
                compile_cost += locals * body.range().len() as u64;
                if compile_cost > limits.max_locals_times_body {
                    return Err(UploadError::CompileBudget { cost: compile_cost, limit: limits.max_locals_times_body });
                }
                body_index += 1;
            }
            Payload::CustomSection(section) if section.name() == host_abi::ABI_SECTION => {
                abi_json = Some(section.data().to_vec());
            }
            _ => {}
        }
    }

    if memories != 1 {
        return Err(UploadError::MemoryCount(memories));
    }
    if !exports.iter().any(|(n, k, _)| n == MEMORY_EXPORT && *k == ExternalKind::Memory) {
        return Err(UploadError::MissingExport(MEMORY_EXPORT));
    }
    let mut methods = Vec::new();
    for (name, kind, index) in &exports {
        if *kind != ExternalKind::Func {
            continue;
        }
        let ty = func_types.get(*index as usize).and_then(|t| types.get(*t as usize)).and_then(|t| t.as_ref());
        match ty {
            Some(ft) if ft.params().is_empty() && ft.results().is_empty() => methods.push(name.clone()),
            _ => return Err(UploadError::ExportSignature(name.clone())),
        }
    }
    let abi = match abi_json {
        Some(bytes) => Some(ContractAbi::from_json(&bytes).map_err(UploadError::BadAbi)?),
        None => None,
    };
    if let Some(abi) = &abi {
        if let Some(m) = abi.methods.iter().find(|m| !methods.contains(&m.name)) {
            return Err(UploadError::BadAbi(format!("method `{}` is in the ABI but not exported", m.name)));
        }
    }
    Ok(ModuleInfo { methods, abi })
}
