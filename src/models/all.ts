/**
 * Imports every model family so that its recipe (and its custom layers) are registered.
 * Add one line per model module.
 */
import './recipes.js';
import './stacked.js';
import './recurrent.js';
import './sparse.js';
import './vae.js';
import './linear.js';
