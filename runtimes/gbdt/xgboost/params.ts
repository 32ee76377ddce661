/**
 * XGBoost's parameters, as the engine reads them. The parser and its tables live in configs/ so
 * that `dtrain validate` refuses exactly what the engine would (one parser per framework).
 */
export * from '../../../configs/params/index.js';
