/**
 * Image classification from scratch, the front door: what the lessons and the assignments use,
 * by name and grouped by lesson. Import it as `"lib"` (the import map in deno.json).
 *
 * The infrastructure behind it has doors of its own: `"lib/matrix"` (shape and finiteness
 * checks), `"lib/random"`, `"lib/data"` (every loader, CIFAR-10 and IDX internals, download, tar
 * and gzip), `"lib/losses"` (input checks), `"lib/optim"` (training checks, divergence),
 * `"lib/kernels"` (the matmul backends and their controls) and `"lib/plot"` (charts, images and
 * tables in the notebook).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KNearestNeighbor, makeBlobs, Matrix, Rng, trainValTestSplit } from "./mod.ts";
 * const W = Matrix.randn(3, 2, new Rng(0)).mul(0.001);
 * assert.deepEqual(W.shape, [3, 2]);
 * const { X, y } = makeBlobs({ pointsPerClass: 20, numClasses: 2, seed: 0 });
 * const s = trainValTestSplit(X, y, { numTrain: 30, numTest: 10, seed: 0 });
 * const knn = new KNearestNeighbor().train(s.XTrain, s.yTrain);
 * const yPred = knn.predict(s.XTest, { k: 3 });
 * assert(yPred.filter((label, i) => label === s.yTest[i]).length >= 8); // two well-separated blobs
 * ```
 * @module
 */

// ---- Matrices (every lesson) -------------------------------------------------------------------
export { hstack, matmul, matmulTA, matmulTB, Matrix, vstack } from "./matrix.ts";
export type { Axis } from "./matrix.ts";

// ---- Randomness: same seed, same numbers -------------------------------------------------------
export { Rng } from "./random.ts";
export type { Seed } from "./random.ts";

// ---- Data: loaders, splits, preprocessing ------------------------------------------------------
export { loadMnist } from "./data/mnist.ts";
export { CIFAR10_CLASS_NAMES, loadCifar10 } from "./data/cifar10.ts";
export { makeBlobs, makeSpiral } from "./data/synthetic.ts";
export { trainValTestSplit } from "./data/split.ts";
export { accuracy, gatherLabels, oneHot } from "./data/labels.ts";
export { meanImage, normalize, subtractMean } from "./data/preprocess.ts";
export type { Dataset } from "./data/dataset.ts";
export type { Cifar10 } from "./data/cifar10.ts";
export type { Split, SplitOptions } from "./data/split.ts";
export type { FeatureStats } from "./data/preprocess.ts";

// ---- 01 Nearest neighbor -----------------------------------------------------------------------
export { KNearestNeighbor, predictLabels } from "./classifiers/k_nearest_neighbor.ts";
export { timeNumpy } from "./numpy_timing.ts";
export type {
  DistanceMetric,
  DistanceOptions,
  KNearestNeighborOptions,
  KnnPredictOptions,
} from "./classifiers/k_nearest_neighbor.ts";
export type { NumpyTiming } from "./numpy_timing.ts";

// ---- 02 Cross-validation -----------------------------------------------------------------------
export { crossValidate, crossValidateKnn, kFoldSplit } from "./cross_validation.ts";
export type {
  CrossValidateOptions,
  CrossValidationProgress,
  CrossValidationResult,
  Fold,
} from "./cross_validation.ts";

// ---- 03 Linear classifiers: score function, SVM and softmax losses, regularization --------------
export { LinearClassifier, LinearSVM, Softmax } from "./classifiers/linear_classifier.ts";
export { correctClassScores, softmaxLoss, svmLoss } from "./losses/scores.ts";
export { svmLossNaive, svmLossVectorized } from "./losses/linear_svm.ts";
export { softmaxLossNaive, softmaxLossVectorized } from "./losses/softmax.ts";
export {
  oneVsAllLoss,
  oneVsAllLossFromScores,
  structuredSvmLoss,
  structuredSvmLossFromScores,
} from "./losses/variants.ts";
export { addReg, regLoss } from "./losses/regularization.ts";
export type { LinearClassifierOptions, TrainOptions } from "./classifiers/linear_classifier.ts";
export type { SvmLossOptions } from "./losses/linear_svm.ts";
export type { SoftmaxLossResult, SvmLossResult } from "./losses/scores.ts";
export type { LossResult, RegOptions, RegType } from "./losses/regularization.ts";

// ---- 04 Optimization: random search, random local search, following the gradient ---------------
export { randomLocalSearch, randomSearch } from "./optim/random_search.ts";
export { gradientDescent } from "./optim/descent.ts";
export type {
  SearchOptions,
  SearchProgress,
  SearchResult,
  WeightLossFn,
} from "./optim/random_search.ts";
export type { DescentOptions, DescentProgress, DescentResult } from "./optim/descent.ts";

// ---- 05 Gradients: numerical vs analytic -------------------------------------------------------
export {
  evalNumericalGradient,
  evalNumericalGradientArray,
  gradCheckSparse,
  relError,
} from "./gradients.ts";
export type { GradCheckRecord, NumericalGradientOptions } from "./gradients.ts";

// ---- 06 Step size, minibatches, update rules, the loss landscape -------------------------------
export { Solver } from "./optim/solver.ts";
export { minibatchSgd } from "./optim/descent.ts";
export {
  adagrad,
  adam,
  nesterov,
  rmsprop,
  sgd,
  sgdMomentum,
  updateRules,
} from "./optim/update_rules.ts";
export { exponentialDecay, inverseTimeDecay, stepDecay } from "./optim/schedules.ts";
export { lossAlongRay, lossOnPlane } from "./optim/landscape.ts";
export type { BatchLossFn, MinibatchSgdOptions } from "./optim/descent.ts";
export type { UpdateRule, UpdateRuleName } from "./optim/update_rules.ts";
export type {
  AdagradConfig,
  AdamConfig,
  MomentumConfig,
  RmspropConfig,
  SgdConfig,
  UpdateConfig,
  UpdateResult,
} from "./optim/update_config.ts";
export type { Schedule } from "./optim/schedules.ts";
export type { PlaneSlice, RaySlice } from "./optim/landscape.ts";
export type { StepProgress, TrainProgress } from "./optim/training.ts";
export type {
  SolverData,
  SolverHistory,
  SolverLoss,
  SolverModel,
  SolverOptions,
  SolverProgress,
} from "./optim/solver.ts";

// ---- 07 A two-layer ReLU network: layers, activations, backpropagation -------------------------
export { TwoLayerNet } from "./nn/two_layer_net.ts";
export { affineBackward, affineForward } from "./nn/layers.ts";
export {
  activations,
  eluBackward,
  eluForward,
  leakyReluBackward,
  leakyReluForward,
  maxoutBackward,
  maxoutForward,
  reluBackward,
  reluForward,
  sigmoidBackward,
  sigmoidForward,
  tanhBackward,
  tanhForward,
} from "./nn/activations.ts";
export type {
  TwoLayerNetHistory,
  TwoLayerNetParams,
  TwoLayerNetProgress,
  TwoLayerNetTrainOptions,
} from "./nn/two_layer_net.ts";
export type { AffineCache } from "./nn/layers.ts";
export type {
  Activation,
  ActivationName,
  AlphaCache,
  Forward,
  MaxoutCache,
} from "./nn/activations.ts";

// ---- 08 Image features: HOG and colour histograms --------------------------------------------
export {
  colorHistogramHsv,
  extractFeatures,
  grayscale,
  hogFeature,
  hogGlyphs,
  imageFromRow,
  imageGradients,
  rgbToHsv,
} from "./features/mod.ts";
export type {
  ColorHistogramOptions,
  FeatureFn,
  HogGlyph,
  HogOptions,
  Image,
  ImageGradients,
  ImageInput,
  ImageLayoutOptions,
} from "./features/mod.ts";
