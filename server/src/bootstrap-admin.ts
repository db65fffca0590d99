import type { Config } from './config';
import type { AdminsService } from './modules/admins/admins.service';
import { randomPassword } from './modules/admins/passwords';

/**
 * ADMIN_PASSWORD set → the admin ADMIN_USERNAME is created or its password updated (as owner).
 * Demo mode without it → a random password is generated for a new admin and returned to be printed once.
 */
export async function bootstrapAdmin(
  config: Config,
  admins: AdminsService,
): Promise<{ username: string; password?: string; action: string }> {
  const username = config.ADMIN_USERNAME;
  if (config.ADMIN_PASSWORD) {
    const action = await admins.upsertAdmin(username, config.ADMIN_PASSWORD, 'owner');
    return { username, action: `${action} from ADMIN_PASSWORD` };
  }
  if (await admins.exists(username)) return { username, action: 'exists' };
  if (config.NODE_ENV === 'production')
    return { username, action: 'none: set ADMIN_PASSWORD to create the first admin' };
  const password = randomPassword();
  await admins.upsertAdmin(username, password, 'owner');
  return { username, password, action: 'created with a generated password' };
}
