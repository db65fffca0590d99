export * from './errors';
export * from './identity';
export * from './money';
export * from './pricing';
export * from './tiers';
export * from './time';
