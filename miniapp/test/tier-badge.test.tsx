import { TIER_CODES } from '@siyu/shared';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TierBadge } from '../src/components/tier-badge';

describe('TierBadge', () => {
  it.each([
    ['regular', '普通会员'],
    ['silver', '银卡'],
    ['gold', '金卡'],
    ['black', '黑金'],
  ] as const)('shows the %s tier by its Chinese name, %s, in that tier’s colours', (tier, name) => {
    const { container } = render(<TierBadge tier={tier} />);
    expect(screen.getByText(name)).toBeTruthy();
    expect(container.firstElementChild?.className).toContain(`sy-tier--${tier}`);
  });

  it('has a name for every tier the shared rules know', () => {
    for (const tier of TIER_CODES) {
      const { container, unmount } = render(<TierBadge tier={tier} />);
      expect(container.querySelector('.sy-tier__name')?.textContent).not.toBe('');
      unmount();
    }
  });
});
