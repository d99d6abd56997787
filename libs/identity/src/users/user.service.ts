import { Injectable } from '@nestjs/common';
import { FieldErrors, Role, conflictOnDuplicate } from '@zs/common';
import { OrgUnitService } from '@zs/org';
import { PasswordHasher } from '../auth/password-hasher';
import type { UserEntity } from './user.entity';
import { UserRepository } from './user.repository';

export interface CreateUserCommand {
  username: string;
  password: string;
  displayName?: string;
  unitCode: string;
  role: string;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;

@Injectable()
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly orgUnits: OrgUnitService,
    private readonly hasher: PasswordHasher,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findById(id);
  }

  /** Used by the CLI and the starter; the operator is trusted, the input is still validated. */
  async create(cmd: CreateUserCommand): Promise<UserEntity> {
    const errors = new FieldErrors();
    if (!USERNAME.test(cmd.username)) errors.add('username', 'must be 3-64 letters, digits, . _ or -');
    if (cmd.password.length < 10 || cmd.password.length > 200) errors.add('password', 'must be 10 to 200 characters');
    if (!(Object.values(Role) as string[]).includes(cmd.role)) {
      errors.add('role', `must be one of ${Object.values(Role).join(', ')}`);
    }
    const unit = await this.orgUnits.findByCode(cmd.unitCode);
    if (!unit) errors.add('unit', `no unit with code ${cmd.unitCode}`);
    else if (!unit.active) errors.add('unit', 'the unit is inactive');
    errors.throwIfAny();
    const passwordHash = await this.hasher.hash(cmd.password);
    return conflictOnDuplicate(
      () =>
        this.users.insert({
          username: cmd.username,
          displayName: cmd.displayName?.trim() || cmd.username,
          passwordHash,
          unitId: unit!.id,
          role: cmd.role as Role,
        }),
      { app_user_username_key: `Username ${cmd.username} is taken` },
    );
  }

  countAdmins(): Promise<number> {
    return this.users.countAdmins();
  }
}
