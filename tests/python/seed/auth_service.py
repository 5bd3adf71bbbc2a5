# copied from shared/seed/000_745aa4d756e45f8d.txt §3.1 (security/auth_service.py); changes: minimal fixes only, each marked `# FIX` below:
#   - `except jwt.JWTError` -> `except jwt.PyJWTError` (3 places; PyJWT 2.x has no JWTError)
#   - the decorated usage example `get_stock_data` at the end is commented out (crashes at import)
#   - `fastapi` / `fastapi.security` resolve to the shim in this directory (no FastAPI installed)

# security/auth_service.py
import jwt
import bcrypt
import secrets
import asyncio
from datetime import datetime, timedelta
from typing import Optional, Dict, List, Any
from fastapi import HTTPException, status, Depends
from fastapi.security import HTTPBearer, HTTPAuthorizationCredentials
import redis
from dataclasses import dataclass
from enum import Enum

class UserRole(Enum):
    ADMIN = "admin"
    PREMIUM_USER = "premium_user"
    BASIC_USER = "basic_user"
    GUEST = "guest"

class Permission(Enum):
    READ_STOCK_DATA = "read_stock_data"
    WRITE_STOCK_DATA = "write_stock_data"
    READ_SENTIMENT_DATA = "read_sentiment_data"
    MANAGE_USERS = "manage_users"
    ACCESS_ANALYTICS = "access_analytics"
    EXPORT_DATA = "export_data"

@dataclass
class User:
    id: str
    email: str
    username: str
    role: UserRole
    permissions: List[Permission]
    is_active: bool = True
    mfa_enabled: bool = False
    last_login: Optional[datetime] = None
    created_at: Optional[datetime] = None

class AuthenticationService:
    def __init__(self, redis_url: str = "redis://localhost:6379"):
        self.redis = redis.from_url(redis_url, decode_responses=True)
        self.secret_key = self._get_or_generate_secret_key()
        self.algorithm = "HS256"
        self.access_token_expire_minutes = 30
        self.refresh_token_expire_days = 7
        
        # 역할별 권한 매핑
        self.role_permissions = {
            UserRole.ADMIN: [
                Permission.READ_STOCK_DATA,
                Permission.WRITE_STOCK_DATA,
                Permission.READ_SENTIMENT_DATA,
                Permission.MANAGE_USERS,
                Permission.ACCESS_ANALYTICS,
                Permission.EXPORT_DATA
            ],
            UserRole.PREMIUM_USER: [
                Permission.READ_STOCK_DATA,
                Permission.READ_SENTIMENT_DATA,
                Permission.ACCESS_ANALYTICS,
                Permission.EXPORT_DATA
            ],
            UserRole.BASIC_USER: [
                Permission.READ_STOCK_DATA,
                Permission.READ_SENTIMENT_DATA
            ],
            UserRole.GUEST: [
                Permission.READ_STOCK_DATA
            ]
        }
    
    def _get_or_generate_secret_key(self) -> str:
        """시크릿 키 가져오기 또는 생성"""
        secret_key = self.redis.get("jwt_secret_key")
        if not secret_key:
            secret_key = secrets.token_urlsafe(64)
            self.redis.set("jwt_secret_key", secret_key)
        return secret_key
    
    async def register_user(
        self, 
        email: str, 
        password: str, 
        username: str,
        role: UserRole = UserRole.BASIC_USER
    ) -> User:
        """사용자 등록"""
        
        # 이메일 중복 확인
        if await self._get_user_by_email(email):
            raise HTTPException(
                status_code=status.HTTP_400_BAD_REQUEST,
                detail="Email already registered"
            )
        
        # 비밀번호 해싱
        hashed_password = bcrypt.hashpw(password.encode('utf-8'), bcrypt.gensalt())
        
        # 사용자 생성
        user_id = f"user_{secrets.token_urlsafe(16)}"
        permissions = self.role_permissions[role]
        
        user = User(
            id=user_id,
            email=email,
            username=username,
            role=role,
            permissions=permissions,
            created_at=datetime.utcnow()
        )
        
        # 사용자 정보 저장
        await self._save_user(user, hashed_password)
        
        return user
    
    async def authenticate_user(self, email: str, password: str) -> Optional[User]:
        """사용자 인증"""
        user = await self._get_user_by_email(email)
        if not user or not user.is_active:
            return None
        
        stored_hash = await self._get_user_password_hash(user.id)
        if not stored_hash:
            return None
        
        if bcrypt.checkpw(password.encode('utf-8'), stored_hash.encode('utf-8')):
            # 마지막 로그인 시간 업데이트
            user.last_login = datetime.utcnow()
            await self._update_user_last_login(user.id)
            return user
        
        return None
    
    async def create_access_token(self, user: User) -> str:
        """액세스 토큰 생성"""
        expire = datetime.utcnow() + timedelta(minutes=self.access_token_expire_minutes)
        
        payload = {
            "sub": user.id,
            "email": user.email,
            "username": user.username,
            "role": user.role.value,
            "permissions": [perm.value for perm in user.permissions],
            "exp": expire,
            "iat": datetime.utcnow(),
            "type": "access"
        }
        
        return jwt.encode(payload, self.secret_key, algorithm=self.algorithm)
    
    async def create_refresh_token(self, user: User) -> str:
        """리프레시 토큰 생성"""
        expire = datetime.utcnow() + timedelta(days=self.refresh_token_expire_days)
        token_id = secrets.token_urlsafe(32)
        
        # 리프레시 토큰 정보 저장
        refresh_data = {
            "user_id": user.id,
            "token_id": token_id,
            "exp": expire.isoformat(),
            "created_at": datetime.utcnow().isoformat()
        }
        
        self.redis.setex(
            f"refresh_token:{token_id}",
            self.refresh_token_expire_days * 24 * 3600,
            str(refresh_data)
        )
        
        payload = {
            "sub": user.id,
            "token_id": token_id,
            "exp": expire,
            "type": "refresh"
        }
        
        return jwt.encode(payload, self.secret_key, algorithm=self.algorithm)
    
    async def refresh_access_token(self, refresh_token: str) -> str:
        """액세스 토큰 갱신"""
        try:
            payload = jwt.decode(refresh_token, self.secret_key, algorithms=[self.algorithm])
            
            if payload.get("type") != "refresh":
                raise HTTPException(
                    status_code=status.HTTP_401_UNAUTHORIZED,
                    detail="Invalid token type"
                )
            
            token_id = payload.get("token_id")
            user_id = payload.get("sub")
            
            # 리프레시 토큰 유효성 확인
            refresh_data = self.redis.get(f"refresh_token:{token_id}")
            if not refresh_data:
                raise HTTPException(
                    status_code=status.HTTP_401_UNAUTHORIZED,
                    detail="Invalid refresh token"
                )
            
            # 사용자 정보 가져오기
            user = await self._get_user_by_id(user_id)
            if not user or not user.is_active:
                raise HTTPException(
                    status_code=status.HTTP_401_UNAUTHORIZED,
                    detail="User not found or inactive"
                )
            
            # 새 액세스 토큰 생성
            return await self.create_access_token(user)
            
        except jwt.ExpiredSignatureError:
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="Refresh token expired"
            )
        except jwt.PyJWTError:  # FIX: jwt.JWTError -> jwt.PyJWTError (PyJWT 2.x)
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="Invalid refresh token"
            )
    
    async def revoke_refresh_token(self, refresh_token: str):
        """리프레시 토큰 폐기"""
        try:
            payload = jwt.decode(refresh_token, self.secret_key, algorithms=[self.algorithm])
            token_id = payload.get("token_id")
            
            if token_id:
                self.redis.delete(f"refresh_token:{token_id}")
                
        except jwt.PyJWTError:  # FIX: jwt.JWTError -> jwt.PyJWTError (PyJWT 2.x)
            pass  # 이미 무효한 토큰은 무시
    
    async def verify_token(self, token: str) -> Optional[User]:
        """토큰 검증 및 사용자 정보 반환"""
        try:
            payload = jwt.decode(token, self.secret_key, algorithms=[self.algorithm])
            
            user_id = payload.get("sub")
            if not user_id:
                return None
            
            user = await self._get_user_by_id(user_id)
            if not user or not user.is_active:
                return None
            
            return user
            
        except jwt.ExpiredSignatureError:
            return None
        except jwt.PyJWTError:  # FIX: jwt.JWTError -> jwt.PyJWTError (PyJWT 2.x)
            return None
    
    async def check_permission(self, user: User, permission: Permission) -> bool:
        """사용자 권한 확인"""
        return permission in user.permissions
    
    async def _get_user_by_email(self, email: str) -> Optional[User]:
        """이메일로 사용자 조회"""
        user_id = self.redis.get(f"user_email:{email}")
        if not user_id:
            return None
        
        return await self._get_user_by_id(user_id)
    
    async def _get_user_by_id(self, user_id: str) -> Optional[User]:
        """ID로 사용자 조회"""
        user_data = self.redis.hgetall(f"user:{user_id}")
        if not user_data:
            return None
        
        permissions = [
            Permission(perm) for perm in user_data.get('permissions', '').split(',')
        ]
        
        return User(
            id=user_id,
            email=user_data['email'],
            username=user_data['username'],
            role=UserRole(user_data['role']),
            permissions=permissions,
            is_active=user_data.get('is_active', 'true').lower() == 'true',
            mfa_enabled=user_data.get('mfa_enabled', 'false').lower() == 'true',
            last_login=datetime.fromisoformat(user_data['last_login']) if user_data.get('last_login') else None,
            created_at=datetime.fromisoformat(user_data['created_at']) if user_data.get('created_at') else None
        )
    
    async def _save_user(self, user: User, password_hash: str):
        """사용자 정보 저장"""
        user_data = {
            'email': user.email,
            'username': user.username,
            'role': user.role.value,
            'permissions': ','.join([perm.value for perm in user.permissions]),
            'is_active': str(user.is_active),
            'mfa_enabled': str(user.mfa_enabled),
            'created_at': user.created_at.isoformat() if user.created_at else datetime.utcnow().isoformat()
        }
        
        # 사용자 정보 저장
        self.redis.hset(f"user:{user.id}", mapping=user_data)
        
        # 이메일-ID 매핑 저장
        self.redis.set(f"user_email:{user.email}", user.id)
        
        # 비밀번호 해시 저장
        self.redis.set(f"user_password:{user.id}", password_hash)
    
    async def _get_user_password_hash(self, user_id: str) -> Optional[str]:
        """사용자 비밀번호 해시 가져오기"""
        return self.redis.get(f"user_password:{user_id}")
    
    async def _update_user_last_login(self, user_id: str):
        """마지막 로그인 시간 업데이트"""
        self.redis.hset(
            f"user:{user_id}",
            "last_login",
            datetime.utcnow().isoformat()
        )

# 의존성 주입을 위한 보안 클래스
security = HTTPBearer()

async def get_current_user(
    credentials: HTTPAuthorizationCredentials = Depends(security)
) -> User:
    """현재 사용자 가져오기"""
    auth_service = AuthenticationService()
    
    user = await auth_service.verify_token(credentials.credentials)
    if not user:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Invalid authentication credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )
    
    return user

def require_permission(permission: Permission):
    """권한 요구 데코레이터"""
    def dependency(user: User = Depends(get_current_user)):
        if permission not in user.permissions:
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN,
                detail="Insufficient permissions"
            )
        return user
    return dependency

# 사용 예시
# FIX: the usage example below is commented out: applying `dependency` as a decorator calls it
# at import time with the function as `user`, and `user.permissions` raises AttributeError.
# @require_permission(Permission.READ_STOCK_DATA)
# async def get_stock_data(user: User = Depends(get_current_user)):
#     """주식 데이터 조회 (권한 필요)"""
#     pass
