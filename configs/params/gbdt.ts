/**
 * The parameter names XGBoost and LightGBM themselves accept (LightGBM with its aliases), so that a
 * misspelt `params:` key is caught before a cluster is started. Names whose values must be numbers
 * are listed too; everything else is passed through unchecked.
 */

const words = (text: string): readonly string[] => text.trim().split(/\s+/);

/** XGBoost's learning-task, booster and training-API parameter names. */
export const XGBOOST_PARAMS = words(`
  booster verbosity validate_parameters nthread n_jobs disable_default_eval_metric device
  eta learning_rate gamma min_split_loss max_depth min_child_weight max_delta_step subsample
  sampling_method colsample_bytree colsample_bylevel colsample_bynode lambda reg_lambda alpha
  reg_alpha tree_method scale_pos_weight updater refresh_leaf process_type grow_policy max_leaves
  max_bin num_parallel_tree monotone_constraints interaction_constraints multi_strategy
  max_cached_hist_node max_cat_to_onehot max_cat_threshold enable_categorical objective base_score
  eval_metric seed random_state seed_per_iteration tweedie_variance_power huber_slope quantile_alpha
  aft_loss_distribution aft_loss_distribution_scale num_class lambdarank_pair_method
  lambdarank_num_pair_per_sample lambdarank_normalization lambdarank_score_normalization
  lambdarank_unbiased lambdarank_bias_norm ndcg_exp_gain sample_type normalize_type rate_drop
  one_drop skip_drop feature_selector top_k num_boost_round n_estimators early_stopping_rounds
  missing max_cat_threshold sketch_eps verbose_eval
`);

const XGBOOST_NUMERIC = words(`
  eta learning_rate gamma min_split_loss max_depth min_child_weight max_delta_step subsample
  colsample_bytree colsample_bylevel colsample_bynode lambda reg_lambda alpha reg_alpha
  scale_pos_weight max_leaves max_bin num_parallel_tree base_score seed random_state num_class
  num_boost_round n_estimators early_stopping_rounds nthread n_jobs tweedie_variance_power
  huber_slope rate_drop skip_drop top_k max_cat_to_onehot max_cat_threshold
`);

/** LightGBM's parameter names and every documented alias. */
export const LIGHTGBM_PARAMS = words(`
  config config_file task task_type objective objective_type app application loss boosting
  boosting_type boost data_sample_strategy data train train_data train_data_file data_filename valid
  test valid_data valid_data_file test_data test_data_file valid_filenames
  num_iterations num_iteration n_iter num_tree num_trees num_round num_rounds nrounds
  num_boost_round n_estimators max_iter learning_rate shrinkage_rate eta num_leaves num_leaf
  max_leaves max_leaf max_leaf_nodes tree_learner tree tree_type tree_learner_type num_threads
  num_thread nthread nthreads n_jobs device_type device seed random_seed random_state deterministic
  force_col_wise force_row_wise histogram_pool_size hist_pool_size max_depth min_data_in_leaf
  min_data_per_leaf min_data min_child_samples min_samples_leaf min_sum_hessian_in_leaf
  min_sum_hessian_per_leaf min_sum_hessian min_hessian min_child_weight bagging_fraction sub_row
  subsample bagging pos_bagging_fraction pos_sub_row pos_subsample pos_bagging neg_bagging_fraction
  neg_sub_row neg_subsample neg_bagging bagging_freq subsample_freq bagging_seed
  bagging_fraction_seed bagging_by_query feature_fraction sub_feature colsample_bytree
  feature_fraction_bynode sub_feature_bynode colsample_bynode feature_fraction_seed extra_trees
  extra_tree extra_seed early_stopping_round early_stopping_rounds early_stopping n_iter_no_change
  early_stopping_min_delta first_metric_only max_delta_step max_tree_output max_leaf_output
  lambda_l1 reg_alpha l1_regularization lambda_l2 reg_lambda lambda l2_regularization linear_lambda
  min_gain_to_split min_split_gain drop_rate rate_drop max_drop skip_drop xgboost_dart_mode
  uniform_drop drop_seed top_rate other_rate min_data_per_group max_cat_threshold cat_l2
  cat_smooth max_cat_to_onehot top_k topk monotone_constraints mc monotone_constraint
  monotonic_cst monotone_constraints_method monotone_constraining_method mc_method
  monotone_penalty monotone_splits_penalty ms_penalty mc_penalty feature_contri feature_contrib fc
  fp feature_penalty forcedsplits_filename fs forced_splits_filename forced_splits_file
  forced_splits refit_decay_rate cegb_tradeoff cegb_penalty_split cegb_penalty_feature_lazy
  cegb_penalty_feature_coupled path_smooth interaction_constraints verbosity verbose input_model
  model_input model_in output_model model_output model_out saved_feature_importance_type
  snapshot_freq save_period use_quantized_grad num_grad_quant_bins quant_train_renew_leaf
  stochastic_rounding linear_tree linear_trees max_bin max_bins max_bin_by_feature min_data_in_bin
  bin_construct_sample_cnt subsample_for_bin data_random_seed data_seed is_enable_sparse
  is_sparse enable_sparse sparse enable_bundle is_enable_bundle bundle use_missing
  zero_as_missing feature_pre_filter pre_partition is_pre_partition two_round two_round_loading
  use_two_round_loading header has_header label_column label weight_column weight group_column
  group group_id query_column query query_id ignore_column ignore_feature blacklist
  categorical_feature cat_feature categorical_column cat_column categorical_features
  forcedbins_filename save_binary is_save_binary is_save_binary_file precise_float_parser
  parser_config_file objective_seed num_class num_classes is_unbalance unbalance
  unbalanced_sets scale_pos_weight sigmoid boost_from_average reg_sqrt alpha fair_c
  poisson_max_delta_step tweedie_variance_power lambdarank_truncation_level lambdarank_norm
  label_gain lambdarank_position_bias_regularization metric metrics metric_types metric_freq
  output_freq is_provide_training_metric training_metric is_training_metric train_metric eval_at
  ndcg_eval_at ndcg_at map_eval_at map_at multi_error_top_k auc_mu_weights num_machines
  num_machine local_listen_port local_port port time_out machine_list_filename
  machine_list_file machine_list mlist machines workers nodes gpu_platform_id gpu_device_id
  gpu_use_dp num_gpu
`);

const LIGHTGBM_NUMERIC = words(`
  num_iterations num_iteration n_iter num_tree num_trees num_round num_rounds nrounds
  num_boost_round n_estimators max_iter learning_rate shrinkage_rate eta num_leaves num_leaf
  max_leaves max_leaf max_leaf_nodes max_depth min_data_in_leaf min_data_per_leaf min_data
  min_child_samples min_samples_leaf min_sum_hessian_in_leaf min_child_weight bagging_fraction
  sub_row subsample bagging bagging_freq subsample_freq feature_fraction sub_feature
  colsample_bytree feature_fraction_bynode colsample_bynode early_stopping_round
  early_stopping_rounds early_stopping n_iter_no_change lambda_l1 reg_alpha l1_regularization
  lambda_l2 reg_lambda lambda l2_regularization min_gain_to_split min_split_gain max_bin max_bins
  num_class num_classes scale_pos_weight sigmoid alpha seed random_seed random_state num_threads
  num_thread nthread nthreads n_jobs path_smooth drop_rate rate_drop max_drop skip_drop
`);

/** Parameters dtrain sets itself from the job file; writing them in `params:` would fight it. */
export const MANAGED_PARAMS: Readonly<Record<'xgboost' | 'lightgbm', Readonly<Record<string, string>>>> = {
  xgboost: {},
  lightgbm: Object.fromEntries([
    ...words('tree_learner tree tree_type tree_learner_type').map((n) => [
      n,
      'is set by dtrain from `parallelism:`',
    ]),
    ...words(
      'num_machines num_machine machines workers nodes machine_list_filename machine_list_file machine_list mlist',
    ).map((n) => [n, 'is set by dtrain from `hosts:`']),
    ...words('local_listen_port local_port port time_out').map((n) => [
      n,
      'is set by dtrain from `network:`',
    ]),
  ]),
};

/** The names each GBDT framework accepts, and those of them that take a number. */
export const GBDT_PARAMS = {
  xgboost: { names: XGBOOST_PARAMS, numeric: new Set(XGBOOST_NUMERIC) },
  lightgbm: { names: LIGHTGBM_PARAMS, numeric: new Set(LIGHTGBM_NUMERIC) },
} as const;

/** The objectives dtrain's xgboost engine implements (XGBoost's own names): the one list. */
export const XGBOOST_OBJECTIVES = [
  'reg:squarederror',
  'reg:logistic',
  'binary:logistic',
  'multi:softprob',
  'multi:softmax',
  'count:poisson',
] as const;

export type XgbObjective = (typeof XGBOOST_OBJECTIVES)[number];

/** The metrics dtrain's xgboost engine implements: the one list; `error@t` takes any threshold t. */
export const XGBOOST_METRICS: readonly string[] = [
  'rmse',
  'mae',
  'logloss',
  'error',
  'error@t',
  'auc',
  'mlogloss',
  'merror',
  'poisson-nloglik',
];

/**
 * Names XGBoost or LightGBM accept that dtrain's engines do not read and that do not change the
 * trained model (logging, devices, memory, I/O tuning, seeds of features dtrain samples its own way,
 * XGBoost's tree_method: dtrain always builds histograms). They pass; every other known name the
 * engine does not read is refused (`notRead`), so no parameter is silently ignored.
 */
const HARMLESS: Readonly<Record<'xgboost' | 'lightgbm', ReadonlySet<string>>> = {
  xgboost: new Set(
    words(`
      verbosity validate_parameters device tree_method max_cached_hist_node sketch_eps verbose_eval
      seed_per_iteration disable_default_eval_metric
    `),
  ),
  lightgbm: new Set(
    words(`
      task task_type device_type device deterministic force_col_wise force_row_wise histogram_pool_size
      hist_pool_size verbosity verbose saved_feature_importance_type snapshot_freq save_period
      feature_pre_filter pre_partition is_pre_partition two_round two_round_loading
      use_two_round_loading is_enable_sparse is_sparse enable_sparse sparse save_binary is_save_binary
      is_save_binary_file precise_float_parser metric_freq output_freq gpu_platform_id gpu_device_id
      gpu_use_dp num_gpu data_random_seed data_seed bagging_seed bagging_fraction_seed
      feature_fraction_seed objective_seed header has_header
    `),
  ),
};

/** LightGBM's file and column names: dtrain sets them from `data:`. */
const FROM_DATA = new Set(
  words(`
    data train train_data train_data_file data_filename valid test valid_data valid_data_file test_data
    test_data_file valid_filenames label_column label input_model model_input model_in output_model
    model_output model_out config config_file
  `),
);

/** Why a known parameter name is refused although the library has it, or undefined when it is read. */
export function notRead(
  framework: 'xgboost' | 'lightgbm',
  name: string,
  read: ReadonlySet<string>,
): string | undefined {
  if (read.has(name) || HARMLESS[framework].has(name)) return undefined;
  if (framework === 'lightgbm' && FROM_DATA.has(name)) return 'is set by dtrain from `data:` and `output:`';
  return `is not implemented in dtrain's ${framework} yet (it would be ignored); remove it`;
}
