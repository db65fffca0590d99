export { Avatar } from './avatar';
export { BrandHeader } from './brand-header';
export { Button } from './button';
export { Cell, CellGroup } from './cell';
export { EmptyState } from './empty-state';
export { ErrorState } from './error-state';
export { LoadingState } from './loading-state';
export { Price, priceParts } from './price';
export { TierBadge } from './tier-badge';
