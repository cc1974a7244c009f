/**
 * Registers every model's parameter schema. Each model issue adds one import line here.
 */
import './models/none';
import './models/spapr';
import './models/smmuv3';
