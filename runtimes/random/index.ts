/** Seeded pseudo-random numbers shared by the GBDT engine (sampling) and tensorflow (shuffles). */
export * from './rng.js';
